/* exitcode: exits with a status taken from argv[1] (default 42), to check that the guest's exit
 * status becomes the emulator's. Written to stderr too, to check stderr is passed through. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int code = argc > 1 ? atoi(argv[1]) : 42;
  fprintf(stderr, "exiting with %d\n", code);
  exit(code);
}
