/* sanitize.c: strip terminal control sequences and invalid UTF-8 from text
 * that a container supplied (see sanitize.h). A byte-level state machine:
 * nothing outside printable UTF-8 survives. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sanitize.h"

enum seq { SEQ_NONE, SEQ_CSI, SEQ_STRING };

/* Decode one UTF-8 character at s (n bytes available); returns its length, or 0
 * when the bytes are not valid UTF-8 (overlong, surrogate, out of range, cut). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, min = 0x80, *cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, min = 0x800, *cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Skip the body of a CSI sequence (parameters, intermediates, final byte);
 * returns the index after it. A byte that cannot belong to it ends it early
 * without being consumed. */
static size_t
skip_csi(const unsigned char *s, size_t len, size_t i)
{
	while (i < len && s[i] >= 0x20 && s[i] <= 0x3f)
		i++;
	if (i < len && s[i] >= 0x40 && s[i] <= 0x7e)
		i++;
	return i;
}

/* Skip an OSC/DCS/SOS/PM/APC string up to BEL, ST (ESC \) or the end. */
static size_t
skip_string(const unsigned char *s, size_t len, size_t i)
{
	while (i < len) {
		if (s[i] == 0x07)
			return i + 1;
		if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\')
			return i + 2;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x9c)	/* 8-bit ST */
			return i + 2;
		i++;
	}
	return i;
}

/* Skip what follows an ESC at s[i]; returns the index after the sequence. */
static size_t
skip_escape(const unsigned char *s, size_t len, size_t i)
{
	if (i >= len)
		return i;
	unsigned char c = s[i];
	if (c == '[')
		return skip_csi(s, len, i + 1);
	if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
		return skip_string(s, len, i + 1);
	if (c >= 0x20 && c <= 0x2f) {	/* intermediates, then a final byte */
		while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
			i++;
		if (i < len && s[i] >= 0x30 && s[i] <= 0x7e)
			i++;
		return i;
	}
	if (c >= 0x30 && c <= 0x7e)
		return i + 1;
	return i;
}

static bool
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

size_t
sanitize_append(struct buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, col = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c == 0x1b) {
			i = skip_escape(s, len, i + 1);
		} else if (c == '\t') {
			do
				buf_append(out, " ", 1);
			while (++col % 8);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			i++;
		} else if (c < 0x80) {
			size_t j = i;
			while (j < len && s[j] >= 0x20 && s[j] < 0x7f)
				j++;
			buf_append(out, s + i, j - i);
			col += j - i;
			i = j;
		} else {
			uint32_t cp;
			size_t n = utf8_decode(s + i, len - i, &cp);
			if (n == 0) {
				buf_append(out, "\xef\xbf\xbd", 3);
				col++;
				i++;
			} else if (cp == 0x9b) {
				i = skip_csi(s, len, i + n);
			} else if (cp == 0x9d || cp == 0x90 || cp == 0x98 || cp == 0x9e || cp == 0x9f) {
				i = skip_string(s, len, i + n);
			} else if (cp < 0xa0 || is_bidi_control(cp)) {
				i += n;
			} else {
				buf_append(out, s + i, n);
				col++;
				i += n;
			}
		}
	}
	return col;
}

char *
sanitize_str(const char *s)
{
	struct buf b = { 0 };
	buf_append(&b, "", 0);
	if (s)
		sanitize_append(&b, s, strlen(s));
	return buf_steal(&b);
}
