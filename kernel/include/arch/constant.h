/* UL(x): an unsigned long constant in C, a plain number in assembly. */
#ifndef ARCH_CONSTANT_H
#define ARCH_CONSTANT_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#endif
