/* sanitize.h: make container-supplied text safe to draw.
 *
 * Names, labels, logs and exec output come from the container, which must not
 * be able to retitle, clear or reprogram the operator's terminal. Everything
 * drawn from such a source goes through sanitize_line() first.
 */
#ifndef BERTH_SANITIZE_H
#define BERTH_SANITIZE_H

#include <stddef.h>

#include "util.h"

/* Append to out the printable form of one line s[0..len): escape sequences
 * (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC forms, also their 8-bit C1
 * introducers) are removed whole, other C0 and C1 controls, DEL, CR, LF and
 * bidirectional overrides are dropped, a tab becomes spaces up to the next
 * multiple of 8 columns, and invalid UTF-8 becomes U+FFFD. Returns the number
 * of characters appended. */
size_t sanitize_append(struct buf *out, const char *s, size_t len);

/* The same as a new string (the caller frees it); NULL gives "". */
char *sanitize_str(const char *s);

#endif
