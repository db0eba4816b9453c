/* A minimal start for the Cortex-M4 test program (tests/c_export/check_cortex_m4.sh): the vector
   table, a reset handler that turns the FPU on (CPACR) before any float instruction, copies .data
   from flash, clears .bss and calls main, and the two semihosting calls the program needs (print a
   string, exit), which qemu's -semihosting answers. No C library start code. With -DLEAVE_FPU_OFF
   the FPU stays off, as on a part without one: any float instruction faults. */
#include <stdint.h>

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);

/* ARM semihosting: r0 the operation, r1 its argument, then BKPT 0xAB (Thumb). */
static int semihost(int operation, const void *argument) {
    register int r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_print(const char *text) { semihost(0x04, text); } /* SYS_WRITE0 */

void semihost_exit(int status) {
    /* SYS_EXIT with ADP_Stopped_ApplicationExit (0x20026); qemu exits with 0, or 1 otherwise. */
    semihost(0x18, (const void *)(status == 0 ? 0x20026 : 0x20024));
    for (;;) {
    }
}

void reset_handler(void) {
    /* The FPU off (the reset state), every float instruction would fault: CP10 and CP11 full
       access first, then barriers so that the next instruction sees it. */
#ifndef LEAVE_FPU_OFF /* the int8 program: it must run without one */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
    semihost_exit(main());
}

static void fault_handler(void) {
    semihost_print("fault\n");
    semihost_exit(1);
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__stack_top), reset_handler, fault_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    0, 0, 0, 0, fault_handler, fault_handler, 0, fault_handler, fault_handler};
