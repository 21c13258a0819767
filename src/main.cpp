// edgepix: see README.md. main only hands over to the command dispatcher.
#include "cli/commands.h"

int main(int argc, char** argv) { return edgepix::cli::Main(argc, argv); }
