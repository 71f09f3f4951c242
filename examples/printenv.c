/* printenv: prints its arguments and its whole environment, one entry a line, so tests can
 * check what the loader put on the initial stack (argv, envp; -E/-U of the CLI). */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  return 0;
}
