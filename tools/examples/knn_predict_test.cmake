# The example.knn_predict test (cmake -P, no Python needed): runs knn_predict on each model in
# MODELS ("|"-separated) with the X_test of SPLIT (fixtures/sklearn/model_iris_split.json), once
# from the file and once from standard input, and checks that it prints SPLIT's "predict" (what
# scikit-learn's model.predict(X_test) returned), one label per line.
#   cmake -DEXE=build/bin/knn_predict -DMODELS=a.joblib|b.pkl -DSPLIT=....json -P knn_predict_test.cmake
cmake_minimum_required(VERSION 3.21)
foreach(var EXE MODELS SPLIT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "knn_predict_test.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${SPLIT}" split_json)
string(JSON count LENGTH "${split_json}" predict)
math(EXPR last "${count} - 1")
set(expected "")
foreach(i RANGE ${last})
  string(JSON label GET "${split_json}" predict ${i})
  string(APPEND expected "${label}\n")
endforeach()

string(REPLACE "|" ";" models "${MODELS}")
foreach(model IN LISTS models)
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "model file ${model} is missing (tools/gen_fixtures.py writes it)")
  endif()
  foreach(how file stdin)
    if(how STREQUAL "file")
      execute_process(COMMAND "${EXE}" "${model}" "${SPLIT}"
        OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
    else()
      execute_process(COMMAND "${EXE}" "${model}" INPUT_FILE "${SPLIT}"
        OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
    endif()
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "knn_predict ${model} (X from ${how}) exited with ${rc}: ${err}")
    endif()
    if(NOT out STREQUAL expected)
      string(REPLACE "\n" " " got_line "${out}")
      string(REPLACE "\n" " " want_line "${expected}")
      message(FATAL_ERROR "knn_predict ${model} (X from ${how}) disagrees with scikit-learn:\n"
        "  got:      ${got_line}\n  expected: ${want_line}")
    endif()
    message(STATUS "${model} (X from ${how}): ${count} predictions match scikit-learn's")
  endforeach()
endforeach()
