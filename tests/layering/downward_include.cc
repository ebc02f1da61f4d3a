// Compiled as a file of src/pickle/ by the test layering.upward_include_fails, as its control:
// the model layer is below pickle, so this builds.
#include "model/document_impl.h"
