/* PL031 real-time clock: read once at boot to anchor CLOCK_REALTIME. */
#include <clock.h>
#include <devicetree.h>
#include <arch/mmio.h>

void rtc_init(void)
{
    int node = devicetree_find_compatible("arm,pl031", -1);
    uint64_t base;
    if (node < 0 || !devicetree_reg(node, 0, &base, NULL))
        return;
    volatile uint8_t *rtc = phys_to_virt(base);
    clock_set_realtime_base(mmio_read32(rtc + 0x00));   /* RTCDR: seconds */
}
