/*
 * lex.h -- tokens of the condition language (private to src/policy/).
 */
#ifndef MO_POLICY_LEX_H
#define MO_POLICY_LEX_H

#include "policy/policy_int.h"

typedef enum mo_tok_kind {
    MO_TOK_EOF,
    MO_TOK_NUM,
    MO_TOK_STR,
    MO_TOK_IDENT,
    MO_TOK_AND,
    MO_TOK_OR,
    MO_TOK_NOT,
    MO_TOK_IN,
    MO_TOK_TRUE,
    MO_TOK_FALSE,
    MO_TOK_LT,
    MO_TOK_LE,
    MO_TOK_GT,
    MO_TOK_GE,
    MO_TOK_EQ,
    MO_TOK_NE,
    MO_TOK_LPAREN,
    MO_TOK_RPAREN,
    MO_TOK_LBRACK,
    MO_TOK_RBRACK,
    MO_TOK_COMMA,
    MO_TOK_MINUS,
} mo_tok_kind;

typedef struct mo_token {
    mo_tok_kind kind;
    size_t off;      /* byte offset in the expression text */
    size_t len;      /* bytes of the token */
    double num;      /* MO_TOK_NUM */
    const char *str; /* MO_TOK_STR (without quotes), MO_TOK_IDENT */
    size_t str_len;
} mo_token;

typedef struct mo_lexer {
    const char *text;
    size_t len;
    size_t pos;      /* next byte to read */
    mo_token tok;    /* current token */
    const char *err; /* static message when mo__lex_next fails */
} mo_lexer;

int mo__lex_next(mo_lexer *lx);
const char *mo__lex_kind_name(mo_tok_kind k);

#endif /* MO_POLICY_LEX_H */
