// The picklejar command-line tool (README.md "The CLI"); the commands are in cli.cc.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return picklejar_cli::run_command_line(argc, argv);
}
