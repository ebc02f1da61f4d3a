// Compiled as a file of src/pickle/ (the pickle layer's include tree) by the test
// layering.upward_include_fails: the numpy layer is above pickle, so this must not build.
#include "numpy/numpy.h"
