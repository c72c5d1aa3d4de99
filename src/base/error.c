/*
 * error.c -- error codes to text (generated from MO_ERRNO_MAP), the library
 * version, and filling a caller's mo_diag without allocating.
 */
#include "base.h"

#include <stdio.h>
#include <string.h>

const char *mo_version(void)
{
#define MO__STR2(x) #x
#define MO__STR(x) MO__STR2(x)
    return MO__STR(MO_VERSION_MAJOR) "." MO__STR(MO_VERSION_MINOR) "." MO__STR(MO_VERSION_PATCH);
}

const char *mo_strerror(int code)
{
    switch (code) {
    case MO_OK:
        return "success";
#define MO__ERR_MSG(name, val, msg)                                                                \
    case MO_##name:                                                                                \
        return msg;
        MO_ERRNO_MAP(MO__ERR_MSG)
#undef MO__ERR_MSG
    default:
        return "unknown error";
    }
}

const char *mo_err_name(int code)
{
    switch (code) {
    case MO_OK:
        return "MO_OK";
#define MO__ERR_NAME(name, val, msg)                                                               \
    case MO_##name:                                                                                \
        return "MO_" #name;
        MO_ERRNO_MAP(MO__ERR_NAME)
#undef MO__ERR_NAME
    default:
        return "MO_UNKNOWN";
    }
}

void mo__diag_clear(mo_diag *diag)
{
    if (diag)
        memset(diag, 0, sizeof *diag);
}

int mo__diag_set(mo_diag *diag, int code, const char *file, uint64_t line, const char *field,
                 const char *fmt, ...)
{
    if (!diag)
        return code;
    diag->code = code;
    snprintf(diag->file, sizeof diag->file, "%s", file ? file : "");
    diag->line = line;
    diag->col = 0;
    snprintf(diag->field, sizeof diag->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
    va_end(ap);
    return code;
}
