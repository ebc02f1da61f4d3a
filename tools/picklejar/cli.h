// The picklejar command line as a function (cli.cc), so main.cc and tests/interop/cli_batch.cc
// run the same code.
#pragma once

namespace picklejar_cli {

// Runs one command line (argv[0] is the program name): writes to std::cout and std::cerr, reads
// std::cin for the file name "-", and returns the exit status (cli.cc's kUsage text lists them).
// Never calls exit().
int run_command_line(int argc, char** argv);

}  // namespace picklejar_cli
