/*
 * bytecode.h -- the policy condition bytecode (private to src/policy/).
 *
 * One instruction is a uint32_t: the opcode in the low 8 bits, an operand in
 * the high 24 bits (MO_BC_OP / MO_BC_ARG). A rule's condition is a straight
 * sequence ending in RET; there are no jumps (expressions have no side
 * effects, so `and`/`or` evaluate both sides). The evaluator keeps a fixed
 * stack of MO_BC_MAX_STACK values on the C stack; the compiler proves the
 * depth bound, so evaluation never allocates and never overflows.
 *
 * A value is {type, present, num, str}. A missing field loads as a value with
 * present = 0. Comparisons and `in` with a missing operand give false; in a
 * boolean position (and/or/not/RET) a missing bool counts as false; max/min
 * skip missing arguments (all missing gives missing); abs(missing) is missing.
 *
 *   opcode      operand          stack effect
 *   PUSH_NUM    const index      -> num            (numbers pool)
 *   PUSH_STR    const index      -> str            (strings pool)
 *   PUSH_BOOL   0 or 1           -> bool
 *   LOAD        field index      -> value          (schema order)
 *   EQ NE       -                a b -> bool       (same type; checked at compile time)
 *   LT LE GT GE -                a b -> bool       (numbers)
 *   AND OR      -                a b -> bool
 *   NOT         -                a -> bool
 *   IN          list index       a -> bool         (constant list of a's type)
 *   MAX MIN     argc             a1..an -> num
 *   ANY         argc             b1..bn -> bool    (any true)
 *   COUNT       argc             b1..bn -> num     (number true)
 *   ABS         -                a -> num
 *   NEG         -                a -> num
 *   RET         -                a -> (rule fires when a is true)
 */
#ifndef MO_POLICY_BYTECODE_H
#define MO_POLICY_BYTECODE_H

#include <stdint.h>

#define MO_BC_OPS(XX)                                                                              \
    XX(PUSH_NUM)                                                                                   \
    XX(PUSH_STR)                                                                                   \
    XX(PUSH_BOOL)                                                                                  \
    XX(LOAD)                                                                                       \
    XX(EQ)                                                                                         \
    XX(NE)                                                                                         \
    XX(LT)                                                                                         \
    XX(LE)                                                                                         \
    XX(GT)                                                                                         \
    XX(GE)                                                                                         \
    XX(AND)                                                                                        \
    XX(OR)                                                                                         \
    XX(NOT)                                                                                        \
    XX(IN)                                                                                         \
    XX(MAX)                                                                                        \
    XX(MIN)                                                                                        \
    XX(ANY)                                                                                        \
    XX(COUNT)                                                                                      \
    XX(ABS)                                                                                        \
    XX(NEG)                                                                                        \
    XX(RET)

typedef enum mo_bc_op {
#define MO__BC_ENUM(name) MO_BC_##name,
    MO_BC_OPS(MO__BC_ENUM)
#undef MO__BC_ENUM
        MO_BC_N_OPS
} mo_bc_op;

#define MO_BC_MAX_STACK 64      /* deepest evaluation stack a condition may need */
#define MO_BC_MAX_ARG 0xFFFFFFu /* largest operand */
#define MO_BC_OP(ins) ((mo_bc_op)((ins)&0xFFu))
#define MO_BC_ARG(ins) ((uint32_t)(ins) >> 8)
#define MO_BC_MAKE(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))

/* Opcode name ("LOAD"); static. */
const char *mo__bc_op_name(mo_bc_op op);

#endif /* MO_POLICY_BYTECODE_H */
