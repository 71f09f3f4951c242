/* step: a program made for stepping through source in the debugger (built -O0 -g).
 * Lines worth a breakpoint carry a "BP:name" marker comment; tests look lines up by marker,
 * never by number, so editing this file does not break them. */
#include <stdio.h>
#include <string.h>

struct point {
  int x;
  int y;
  const char *name;
};

int counter = 0;                 /* a global the debugger can watch */
long table[8];                   /* a global array */
struct point origin = {0, 0, "origin"};

static int add(int a, int b) {
  int sum = a + b;               // BP:add
  counter++;
  return sum;
}

static long factorial(int n) {
  if (n <= 1)                    // BP:factorial
    return 1;
  return n * factorial(n - 1);
}

static void move(struct point *p, int dx, int dy) {
  p->x += dx;                    // BP:move
  p->y += dy;
}

int main(void) {
  struct point p = {1, 2, "p"};  // BP:main
  int total = 0;
  for (int i = 0; i < 5; i++) {
    total = add(total, i);       // BP:loop
    table[i] = total;
  }
  move(&p, 10, 20);
  long f = factorial(5);         // BP:call-factorial
  char buf[32];
  strcpy(buf, p.name);
  printf("total=%d counter=%d f=%ld p=(%d,%d) %s origin=%s\n", total, counter, f, p.x, p.y, buf,
         origin.name);           // BP:print
  return 0;                      // BP:end
}
