// Loading, dumping and printing pickles: includes load.h, dump.h and print.h (and limits.h).
#pragma once

#include "picklejar/dump.h"
#include "picklejar/load.h"
#include "picklejar/print.h"
