"""fixtures/sklearn/model*: the tutorial's fitted KNeighborsClassifier and its iris split."""

import json
import pickle

from .walker import walk_json
from .inert import inert_json
from .output import FX, dumps_checked

def sklearn_cases():
    import numpy
    import sklearn
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier

    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42, stratify=y)
    model = KNeighborsClassifier(n_neighbors=3, weights="distance", algorithm="kd_tree", leaf_size=40, p=1,
                                 metric="euclidean")
    model.fit(X_train, y_train)
    data = dumps_checked(model, pickle.DEFAULT_PROTOCOL)
    assert pickle.DEFAULT_PROTOCOL == 4
    expected = walk_json(model, 4)
    assert expected == inert_json(data), "sklearn model: walker and inert unpickler disagree"
    loaded = pickle.loads(data)
    pred = model.predict(X_test)
    assert (loaded.predict(X_test) == pred).all()
    FX.checks["roundtrip"] += 1
    FX.add("sklearn/model.pkl", data, 4, [], "json",
           "KNeighborsClassifier(kd_tree) fitted on iris, pickle.dump default protocol; ndarrays stay inert "
           "_reconstruct objects", expected)
    split = {"X_test": X_test.tolist(), "y_test": y_test.tolist(), "predict": pred.tolist(),
             "X_train": X_train.tolist(), "y_train": y_train.tolist()}
    # What the model keeps of the training split (tests/unit/numpy_test.cc reads them from model.pkl).
    assert model._fit_X.dtype == numpy.float64 and (model._fit_X == X_train).all()
    assert model._y.dtype == numpy.int64 and (model._y == y_train).all()
    assert model.classes_.tolist() == [0, 1, 2]
    FX.put("sklearn/model_iris_split.json", json.dumps(split, separators=(",", ":")))
    return numpy.__version__, sklearn.__version__
