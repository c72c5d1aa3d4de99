/*
 * confusables.c -- lookup of Unicode TR39 homoglyphs that read as ASCII
 * letters, over the generated sorted table in confusables_table.c. Used by
 * normalize.c; text layer only, no allocation.
 */
#include "text/text_int.h"

/* Binary search of mo__confusables; see text_int.h for the contract. */
const mo__confusable *mo__text_confusable(uint32_t cp)
{
    size_t lo = 0, hi = mo__n_confusables;
    if (cp < 0x80 || cp < mo__confusables[0].cp || cp > mo__confusables[hi - 1].cp)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t m = mo__confusables[mid].cp;
        if (m == cp)
            return &mo__confusables[mid];
        if (m < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
