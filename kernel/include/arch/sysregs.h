/* System-register values and page-table descriptor bits (ARM ARM D8). */
#ifndef ARCH_SYSREGS_H
#define ARCH_SYSREGS_H

#include <arch/constant.h>

/* Translation table descriptor bits, stage 1, 4 KiB granule. */
#define PTE_VALID        (UL(1) << 0)
#define PTE_TABLE        (UL(3) << 0)      /* next-level table (levels 0-2) */
#define PTE_BLOCK        (UL(1) << 0)      /* block (levels 1-2) */
#define PTE_PAGE         (UL(3) << 0)      /* page (level 3) */
#define PTE_ATTR_DEVICE  (UL(0) << 2)      /* MAIR index 0 */
#define PTE_ATTR_NORMAL  (UL(1) << 2)      /* MAIR index 1 */
#define PTE_USER         (UL(1) << 6)      /* AP[1]: EL0 access */
#define PTE_READONLY     (UL(1) << 7)      /* AP[2] */
#define PTE_SH_INNER     (UL(3) << 8)
#define PTE_AF           (UL(1) << 10)
#define PTE_NG           (UL(1) << 11)     /* not global: tagged with the ASID */
#define PTE_PXN          (UL(1) << 53)
#define PTE_UXN          (UL(1) << 54)
/* Software bit: a read-only page that is really writable, copy on write. */
#define PTE_COW          (UL(1) << 55)
#define PTE_ADDRESS_MASK UL(0x0000fffffffff000)

/* MAIR: index 0 Device-nGnRE, index 1 Normal write-back write-allocate. */
#define MAIR_VALUE       ((UL(0x04) << 0) | (UL(0xff) << 8))

/*
 * TCR: 48-bit VAs in both halves, 4 KiB granules, write-back walks, inner
 * shareable.  IPS is filled in at boot from ID_AA64MMFR0_EL1.PARange.
 */
#define TCR_T0SZ         (UL(16) << 0)
#define TCR_IRGN0_WBWA   (UL(1) << 8)
#define TCR_ORGN0_WBWA   (UL(1) << 10)
#define TCR_SH0_INNER    (UL(3) << 12)
#define TCR_TG0_4K       (UL(0) << 14)
#define TCR_T1SZ         (UL(16) << 16)
#define TCR_IRGN1_WBWA   (UL(1) << 24)
#define TCR_ORGN1_WBWA   (UL(1) << 26)
#define TCR_SH1_INNER    (UL(3) << 28)
#define TCR_TG1_4K       (UL(2) << 30)
#define TCR_VALUE        (TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | \
                          TCR_TG0_4K | TCR_T1SZ | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |   \
                          TCR_SH1_INNER | TCR_TG1_4K)

/*
 * SCTLR_EL1: MMU, caches, stack alignment checks for EL1 and (as Linux) EL0,
 * where a misaligned SP raises SIGBUS.  EL0 may read
 * CTR_EL0 (UCT), use DC ZVA (DZE) and cache maintenance (UCI), and WFI/WFE
 * are not trapped, as on Linux: glibc's memcpy/memset rely on the first two.
 * Alignment checking (A) stays off: user code does unaligned accesses.
 */
#define SCTLR_RES1       ((UL(1) << 11) | (UL(1) << 20) | (UL(1) << 22) | (UL(1) << 23) | \
                          (UL(1) << 28) | (UL(1) << 29))
#define SCTLR_M          (UL(1) << 0)
#define SCTLR_C          (UL(1) << 2)
#define SCTLR_SA         (UL(1) << 3)
#define SCTLR_SA0        (UL(1) << 4)
#define SCTLR_I          (UL(1) << 12)
#define SCTLR_DZE        (UL(1) << 14)
#define SCTLR_UCT        (UL(1) << 15)
#define SCTLR_NTWI       (UL(1) << 16)
#define SCTLR_NTWE       (UL(1) << 18)
#define SCTLR_UCI        (UL(1) << 26)
#define SCTLR_VALUE      (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | SCTLR_DZE | \
                          SCTLR_UCT | SCTLR_NTWI | SCTLR_NTWE | SCTLR_UCI)

/* ESR_EL1 exception classes we handle. */
#define ESR_EC_SHIFT          26
#define ESR_EC_UNKNOWN        0x00
#define ESR_EC_SVC64          0x15
#define ESR_EC_INSN_ABORT_EL0 0x20
#define ESR_EC_INSN_ABORT_EL1 0x21
#define ESR_EC_PC_ALIGN       0x22
#define ESR_EC_DATA_ABORT_EL0 0x24
#define ESR_EC_DATA_ABORT_EL1 0x25
#define ESR_EC_SP_ALIGN       0x26
#define ESR_EC_BRK64          0x3c

#endif
