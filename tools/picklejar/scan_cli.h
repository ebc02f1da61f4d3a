// `picklejar scan` (scan_cli.cc): the scanner's command line, on the public API only.
#pragma once

namespace picklejar_cli {

// Runs `picklejar scan ...` (argv as main's, with "scan" among the arguments). Exit status: 0 every
// file safe, 4 any unsafe, 3 a path that cannot be read (and none unsafe), 5 any unreadable (and
// none unsafe), 2 usage.
int run_scan(int argc, char** argv);

}  // namespace picklejar_cli
