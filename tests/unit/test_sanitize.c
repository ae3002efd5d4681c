/* test_sanitize.c: container text loses every control sequence and invalid UTF-8. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "tap.h"

static void
check(const char *in, size_t len, const char *want, const char *what)
{
	struct buf b = { 0 };
	buf_append(&b, "", 0);
	sanitize_append(&b, in, len);
	is_str(b.data, want, "%s", what);
	buf_free(&b);
}

#define CHECK(in, want, what) check((in), sizeof(in) - 1, (want), (what))

int
main(void)
{
	CHECK("plain text 123", "plain text 123", "printable ASCII passes");
	CHECK("\x1b]0;pwned\x07\x1b[2J", "", "OSC title and clear-screen vanish whole");
	CHECK("a\x1b]2;t\x1b\\b", "ab", "OSC ended by ST");
	CHECK("\x1b[31mred\x1b[0m", "red", "SGR colours are stripped");
	CHECK("x\x1b[?1049hy", "xy", "private-mode CSI (alternate screen) is stripped");
	CHECK("\x1bPq#0;2;0;0;0\x1b\\ok", "ok", "DCS string is stripped");
	CHECK("\x1b_apc\x07z", "z", "APC string is stripped");
	CHECK("\x1b(Bq", "q", "charset designation is stripped");
	CHECK("\x1b" "c" "after", "after", "RIS (ESC c) is stripped");
	CHECK("open \x1b]0;never ends", "open ", "an unterminated OSC eats the rest of the line");
	CHECK("a\rb\bc\x07\x7f", "abc", "CR, BS, BEL and DEL are dropped");
	CHECK("\xc2\x9b" "2J!", "!", "8-bit CSI (U+009B) is stripped with its parameters");
	CHECK("\xc2\x9d" "0;t\x07" "k", "k", "8-bit OSC (U+009D) is stripped");
	CHECK("c1\xc2\x85x", "c1x", "other C1 controls are dropped");
	CHECK("bad\xff\xfe", "bad\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes become U+FFFD");
	CHECK("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd", "an overlong encoding is invalid");
	CHECK("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "a surrogate is invalid");
	CHECK("cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd", "a truncated sequence is invalid");
	CHECK("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3",
	      "valid UTF-8 (Latin, CJK, emoji) passes");
	CHECK("ab\xe2\x80\xaevil", "abvil", "a bidi override is dropped");
	CHECK("a\tb", "a       b", "a tab expands to the next 8-column stop");
	CHECK("a\0b", "ab", "NUL is dropped");
	CHECK("\x1b", "", "a lone ESC at the end vanishes");
	char *s = sanitize_str(NULL);
	is_str(s, "", "NULL sanitizes to the empty string");
	free(s);
	s = sanitize_str("name\x1b[2Jx");
	is_str(s, "namex", "sanitize_str works on C strings");
	free(s);
	struct buf b = { 0 };
	is_int(sanitize_append(&b, "\xe6\x97\xa5x", 4), 2, "the count is in characters");
	buf_free(&b);
	return tap_done();
}
