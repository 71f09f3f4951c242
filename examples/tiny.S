# tiny: no libc at all — _start writes a line with the write syscall and exits with exit.
# The smallest program that still shows a few translation blocks (a loop and two ecalls).
# The message comes first so its length is known where `li a2, msg_len` is assembled.
    .section .rodata
msg:
    .ascii  "Hello from tiny!\n"
    .set    msg_len, . - msg

    .text
    .globl _start
_start:
    li      s0, 3               # print the message three times
loop:
    li      a0, 1               # fd = stdout
    la      a1, msg
    li      a2, msg_len
    li      a7, 64              # __NR_write
    ecall
    addi    s0, s0, -1
    bnez    s0, loop
    li      a0, 0
    li      a7, 93              # __NR_exit
    ecall
