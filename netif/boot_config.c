/* Boot-time interface addresses from the kernel command line (boot_config.h). */
#include "boot_config.h"

#define ADDRESS(a, b, c, d) net_htonl(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* Dotted quad (exactly four decimal parts, each 0..255) into network order. */
static bool parse_address(const char *text, size_t length, uint32_t *address)
{
    uint32_t value = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= length || text[i++] != '.'))
            return false;
        uint32_t byte = 0;
        size_t digits = 0;
        while (i < length && text[i] >= '0' && text[i] <= '9' && digits < 3) {
            byte = byte * 10 + (uint32_t)(text[i++] - '0');
            digits++;
        }
        if (!digits || byte > 255)
            return false;
        value = value << 8 | byte;
    }
    if (i != length)
        return false;
    *address = net_htonl(value);
    return true;
}

/* A netmask is ones then zeros. */
static bool is_netmask(uint32_t netmask)
{
    uint32_t inverse = ~net_ntohl(netmask);   /* must be 0...01...1 */
    return !(inverse & (inverse + 1));
}

/* The classful mask Linux's ipconfig falls back on when none is given. */
static uint32_t natural_netmask(uint32_t address)
{
    uint32_t host = net_ntohl(address);
    if (!(host & 0x80000000u))
        return ADDRESS(255, 0, 0, 0);
    if (!(host & 0x40000000u))
        return ADDRESS(255, 255, 0, 0);
    return ADDRESS(255, 255, 255, 0);
}

static bool word_is(const char *text, size_t length, const char *word)
{
    return length == strlen(word) && !memcmp(text, word, length);
}

/* Parses the value of ip= (length bytes at value). */
static int parse_ip_value(const char *value, size_t length, struct boot_config *config)
{
    static const char *const autoconfigured[] = { "dhcp", "bootp", "rarp", "both", "on", "any" };
    if (word_is(value, length, "off") || word_is(value, length, "none")) {
        config->configure = false;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(autoconfigured); i++) {
        if (word_is(value, length, autoconfigured[i])) {
            config->configure = false;
            return 0;
        }
    }
    struct boot_config parsed = { .configure = true };
    const char *field = value, *end = value + length;
    for (int index = 0; field <= end; index++) {
        const char *colon = field;
        while (colon < end && *colon != ':')
            colon++;
        size_t field_length = (size_t)(colon - field);
        if (field_length) {
            switch (index) {
            case 0:   /* client-ip */
                if (!parse_address(field, field_length, &parsed.address))
                    return -EINVAL;
                break;
            case 2:   /* gw-ip */
                if (!parse_address(field, field_length, &parsed.gateway))
                    return -EINVAL;
                break;
            case 3:   /* netmask */
                if (!parse_address(field, field_length, &parsed.netmask) ||
                    !is_netmask(parsed.netmask))
                    return -EINVAL;
                break;
            case 5:   /* device */
                if (field_length >= NETIF_NAME_SIZE)
                    return -EINVAL;
                memcpy(parsed.device, field, field_length);
                parsed.device[field_length] = '\0';
                break;
            case 6:   /* autoconf: only "off"/"none" (static) is served here */
                if (!word_is(field, field_length, "off") && !word_is(field, field_length, "none"))
                    parsed.configure = false;
                break;
            default:  /* server-ip, hostname, and the DNS fields: not used */
                break;
            }
        }
        field = colon + 1;
    }
    /* Without a client address only autoconfiguration could help: leave it. */
    if (!parsed.address)
        parsed.configure = false;
    if (parsed.configure && !parsed.netmask)
        parsed.netmask = natural_netmask(parsed.address);
    *config = parsed;
    return 0;
}

int boot_config_parse(const char *command_line, struct boot_config *config)
{
    struct boot_config result = {
        .configure = true,
        .address = ADDRESS(10, 0, 2, 15),
        .netmask = ADDRESS(255, 255, 255, 0),
        .gateway = ADDRESS(10, 0, 2, 2),
    };
    /* The last ip= wins, as a later option overrides an earlier one. */
    for (const char *word = command_line; word && *word;) {
        while (*word == ' ')
            word++;
        size_t length = 0;
        while (word[length] && word[length] != ' ')
            length++;
        if (length >= 3 && !memcmp(word, "ip=", 3) &&
            parse_ip_value(word + 3, length - 3, &result))
            return -EINVAL;
        word += length;
    }
    *config = result;
    return 0;
}
