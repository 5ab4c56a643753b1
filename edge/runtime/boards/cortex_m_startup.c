/*
 * Minimal Cortex-M start-up for the MPS2 boards under QEMU: a vector table whose reset entry
 * enables the FPU (when the build uses one) and jumps to newlib's rdimon crt0 (_start), which
 * zeroes .bss, sets up semihosting stdio and calls main. QEMU loads .data straight to its RAM
 * address from the ELF, so nothing is copied from flash. A fault exits through semihosting with
 * status 3 rather than hanging, so a test sees it at once.
 */
#include <stdint.h>
extern uint32_t __stack_top;
extern void _exit(int status) __attribute__((noreturn)); /* newlib's, over semihosting */
extern void _start(void);

void fed_reset_handler(void);
void fed_fault_handler(void);

void fed_reset_handler(void)
{
#if defined(__ARM_FP)
    /* CPACR: full access to coprocessors 10 and 11 (the FPU) before any floating-point code. */
    volatile uint32_t *const cpacr = (volatile uint32_t *)0xE000ED88u;
    *cpacr |= (0xFu << 20);
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    _start();
}

void fed_fault_handler(void)
{
    _exit(3);
}

__attribute__((section(".vectors"), used)) void (*const fed_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top,
    fed_reset_handler,
    fed_fault_handler, /* NMI */
    fed_fault_handler, /* HardFault */
    fed_fault_handler, /* MemManage */
    fed_fault_handler, /* BusFault */
    fed_fault_handler, /* UsageFault */
    fed_fault_handler, /* SecureFault (v8-M) */
    0, 0, 0,
    fed_fault_handler, /* SVCall */
    fed_fault_handler, /* DebugMonitor */
    0,
    fed_fault_handler, /* PendSV */
    fed_fault_handler, /* SysTick */
};
