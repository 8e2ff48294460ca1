/*
 * Classic BPF: Linux's checker rules (bpf_check_classic, net/core/filter.c)
 * and the instruction set of bpf(4)/filter.txt.  See bpf_classic.h.
 */
#include "bpf_classic.h"

/* The opcodes classic BPF has: Linux's codes[] table of allowed ones. */
static bool opcode_allowed(uint16_t code)
{
    switch (code) {
    case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
    case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
    case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
    case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
    case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
    case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
    case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
    case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
    case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
    case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS: case BPF_LD | BPF_B | BPF_ABS:
    case BPF_LD | BPF_W | BPF_IND: case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LD | BPF_MEM:
    case BPF_LD | BPF_IMM:
    case BPF_LDX | BPF_W | BPF_IMM:
    case BPF_LDX | BPF_W | BPF_MEM:
    case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_LDX | BPF_B | BPF_MSH:
    case BPF_ST:
    case BPF_STX:
    case BPF_MISC | BPF_TAX:
    case BPF_MISC | BPF_TXA:
    case BPF_RET | BPF_K:
    case BPF_RET | BPF_A:
    case BPF_JMP | BPF_JA:
    case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
        return true;
    default:
        return false;
    }
}

static bool is_conditional_jump(uint16_t code)
{
    return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

static bool is_memory_load(uint16_t code)
{
    return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_W | BPF_MEM);
}

static bool is_absolute_load(uint16_t code)
{
    return BPF_CLASS(code) == BPF_LD && BPF_MODE(code) == BPF_ABS;
}

/*
 * Every scratch cell read must have been written on every path to the read
 * (Linux's check_load_and_stores): valid[pc] collects, over the jumps into
 * pc, the cells written on all of them.
 */
static int check_memory_written(const struct sock_filter *program, size_t length)
{
    uint16_t valid_at[BPF_MAXINSNS];
    for (size_t pc = 0; pc < length; pc++)
        valid_at[pc] = 0xffff;
    uint16_t valid = 0;
    for (size_t pc = 0; pc < length; pc++) {
        const struct sock_filter *instruction = &program[pc];
        valid &= valid_at[pc];
        if (instruction->code == BPF_ST || instruction->code == BPF_STX) {
            valid |= (uint16_t)(1u << instruction->k);
        } else if (is_memory_load(instruction->code)) {
            if (!(valid & (1u << instruction->k)))
                return -EINVAL;
        } else if (instruction->code == (BPF_JMP | BPF_JA)) {
            valid_at[pc + 1 + instruction->k] &= valid;
            valid = 0xffff;
        } else if (is_conditional_jump(instruction->code)) {
            valid_at[pc + 1 + instruction->jt] &= valid;
            valid_at[pc + 1 + instruction->jf] &= valid;
            valid = 0xffff;
        }
    }
    return 0;
}

int bpf_classic_check(const struct sock_filter *program, size_t length)
{
    if (length == 0 || length > BPF_MAXINSNS)
        return -EINVAL;
    for (size_t pc = 0; pc < length; pc++) {
        const struct sock_filter *instruction = &program[pc];
        uint16_t code = instruction->code;
        uint32_t k = instruction->k;
        if (!opcode_allowed(code))
            return -EINVAL;
        if ((code == (BPF_ALU | BPF_DIV | BPF_K) || code == (BPF_ALU | BPF_MOD | BPF_K)) && k == 0)
            return -EINVAL;
        if ((code == (BPF_ALU | BPF_LSH | BPF_K) || code == (BPF_ALU | BPF_RSH | BPF_K)) && k >= 32)
            return -EINVAL;
        if ((is_memory_load(code) || code == BPF_ST || code == BPF_STX) && k >= BPF_MEMWORDS)
            return -EINVAL;
        /* An unconditional jump's k could make a loop; it must stay inside. */
        if (code == (BPF_JMP | BPF_JA) && k >= length - pc - 1)
            return -EINVAL;
        if (is_conditional_jump(code) &&
            (pc + instruction->jt + 1 >= length || pc + instruction->jf + 1 >= length))
            return -EINVAL;
        /* SKF_AD_OFF + k: the ancillary loads Linux knows, every 4 bytes up to SKF_AD_MAX. */
        if (is_absolute_load(code) && k >= (uint32_t)SKF_AD_OFF &&
            ((k - (uint32_t)SKF_AD_OFF) % 4 != 0 || k - (uint32_t)SKF_AD_OFF >= SKF_AD_MAX))
            return -EINVAL;
    }
    uint16_t last = program[length - 1].code;
    if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
        return -EINVAL;
    return check_memory_written(program, length);
}

/*
 * Where a load at offset (k, or X + k) reads: counted from the data, or,
 * for Linux's negative offsets, from the network or link header.  false
 * when any byte of it lies outside the frame.
 */
static bool load_position(const struct bpf_classic_packet *packet, uint32_t offset,
                          uint32_t size, uint32_t *position)
{
    int64_t signed_offset = (int32_t)offset;
    int64_t start;
    if (signed_offset >= 0)
        start = packet->data_offset + signed_offset;
    else if (signed_offset >= SKF_NET_OFF)
        start = packet->network_offset + (signed_offset - SKF_NET_OFF);
    else if (signed_offset >= SKF_LL_OFF)
        start = signed_offset - SKF_LL_OFF;
    else
        return false;
    if (start < 0 || start + size > packet->frame_length)
        return false;
    *position = (uint32_t)start;
    return true;
}

static bool load(const struct bpf_classic_packet *packet, uint32_t offset, uint16_t size_code,
                 uint32_t *value)
{
    uint32_t size = size_code == BPF_W ? 4 : size_code == BPF_H ? 2 : 1;
    uint32_t position;
    if (!load_position(packet, offset, size, &position))
        return false;
    const uint8_t *bytes = packet->frame + position;
    *value = 0;
    for (uint32_t i = 0; i < size; i++)
        *value = (*value << 8) | bytes[i];   /* packet loads are big-endian */
    return true;
}

/*
 * Linux's ancillary data (SKF_AD_*).  Strata has no VLAN offload, marks,
 * queues, receive hashes, netlink attributes or flow dissector, so those
 * read 0; NLATTR, NLATTR_NEST and PAY_OFFSET differ from Linux there.
 */
static uint32_t ancillary(const struct bpf_classic_packet *packet, uint32_t which, uint32_t a,
                          uint32_t x)
{
    switch (which) {
    case SKF_AD_PROTOCOL: return packet->protocol;
    case SKF_AD_PKTTYPE: return packet->packet_type;
    case SKF_AD_IFINDEX: return (uint32_t)packet->ifindex;
    case SKF_AD_HATYPE: return packet->hardware_type;
    case SKF_AD_ALU_XOR_X: return a ^ x;
    case SKF_AD_RANDOM: return net_random32();
    default: return 0;
    }
}

static uint32_t alu(uint16_t operation, uint32_t a, uint32_t operand)
{
    switch (operation) {
    case BPF_ADD: return a + operand;
    case BPF_SUB: return a - operand;
    case BPF_MUL: return a * operand;
    case BPF_DIV: return a / operand;
    case BPF_MOD: return a % operand;
    case BPF_AND: return a & operand;
    case BPF_OR: return a | operand;
    case BPF_XOR: return a ^ operand;
    case BPF_LSH: return a << (operand & 31);
    case BPF_RSH: return a >> (operand & 31);
    default: return (uint32_t)-a;   /* BPF_NEG, the only other one checked */
    }
}

static bool jump_taken(uint16_t operation, uint32_t a, uint32_t operand)
{
    switch (operation) {
    case BPF_JEQ: return a == operand;
    case BPF_JGT: return a > operand;
    case BPF_JGE: return a >= operand;
    default: return (a & operand) != 0;   /* BPF_JSET */
    }
}

uint32_t bpf_classic_run(const struct sock_filter *program, size_t length,
                         const struct bpf_classic_packet *packet)
{
    uint32_t a = 0, x = 0, memory[BPF_MEMWORDS] = { 0 };
    uint32_t data_length = packet->frame_length - packet->data_offset;
    for (size_t pc = 0; pc < length; pc++) {
        const struct sock_filter *instruction = &program[pc];
        uint16_t code = instruction->code;
        uint32_t k = instruction->k;
        switch (BPF_CLASS(code)) {
        case BPF_LD:
            if (BPF_MODE(code) == BPF_ABS && k >= (uint32_t)SKF_AD_OFF)
                a = ancillary(packet, k - (uint32_t)SKF_AD_OFF, a, x);
            else if (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND) {
                if (!load(packet, BPF_MODE(code) == BPF_IND ? x + k : k, BPF_SIZE(code), &a))
                    return 0;
            } else if (BPF_MODE(code) == BPF_LEN)
                a = data_length;
            else if (BPF_MODE(code) == BPF_MEM)
                a = memory[k];
            else
                a = k;
            break;
        case BPF_LDX:
            if (BPF_MODE(code) == BPF_MSH) {
                uint32_t byte;
                if (!load(packet, k, BPF_B, &byte))
                    return 0;
                x = 4 * (byte & 0xf);
            } else if (BPF_MODE(code) == BPF_LEN)
                x = data_length;
            else if (BPF_MODE(code) == BPF_MEM)
                x = memory[k];
            else
                x = k;
            break;
        case BPF_ST:
            memory[k] = a;
            break;
        case BPF_STX:
            memory[k] = x;
            break;
        case BPF_ALU: {
            uint32_t operand = BPF_SRC(code) == BPF_X ? x : k;
            if ((BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD) && operand == 0)
                return 0;
            a = alu(BPF_OP(code), a, operand);
            break;
        }
        case BPF_JMP:
            if (BPF_OP(code) == BPF_JA)
                pc += k;
            else
                pc += jump_taken(BPF_OP(code), a, BPF_SRC(code) == BPF_X ? x : k)
                          ? instruction->jt : instruction->jf;
            break;
        case BPF_RET:
            return BPF_RVAL(code) == BPF_A ? a : k;
        default:   /* BPF_MISC */
            if (BPF_MISCOP(code) == BPF_TAX)
                x = a;
            else
                a = x;
            break;
        }
    }
    return 0;   /* not reached for a checked program: it ends in a return */
}
