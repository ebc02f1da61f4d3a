# layering.upward_include_fails: builds a file that includes the layer above as a file of the
# pickle layer (must fail, naming the header) and a control that includes a layer below (must
# build). Run with -DBUILD_DIR=<build dir>.
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target picklejar_layer_probe_down
                RESULT_VARIABLE down_rc OUTPUT_VARIABLE down_out ERROR_VARIABLE down_out)
if(NOT down_rc EQUAL 0)
  message(FATAL_ERROR "the control (pickle includes model) did not build:\n${down_out}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target picklejar_layer_probe_up
                RESULT_VARIABLE up_rc OUTPUT_VARIABLE up_out ERROR_VARIABLE up_out)
if(up_rc EQUAL 0)
  message(FATAL_ERROR "an upward include (pickle includes numpy/numpy.h) built: the layers are not enforced")
endif()
if(NOT up_out MATCHES "numpy/numpy.h")
  message(FATAL_ERROR "the upward include failed for another reason:\n${up_out}")
endif()
message(STATUS "pickle -> numpy include refused; pickle -> model include builds")
