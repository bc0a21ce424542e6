#!/bin/sh
# contact.sh — the contact form handler of htdocs/contact_form.php, in POSIX sh.
#
# POST an application/x-www-form-urlencoded body with the fields "name"
# (1..100 characters) and "request" (1..2000 characters), both trimmed and
# required; answers a "Thank you" page, 400 listing the problems, 405 (Allow:
# POST) for any other method, 413 for a body over 16 KiB and 415 for another
# media type. Every value printed is HTML-escaped (& < > " ').
#
# Safety: the body is read with `head -c CONTENT_LENGTH` (RFC 3875 4.2) and
# every byte outside printable ASCII is mapped to DEL, which makes the body
# invalid: a browser percent-encodes everything else, and so no NUL, no raw
# newline and no non-ASCII byte reaches a shell variable. Decoding builds
# each byte from a validated hex pair with printf and an octal escape that
# this script itself writes; input is never used as a printf format or a
# glob pattern, so backslashes and '%' in it stay plain data.
set -f
LC_ALL=C
export LC_ALL

MAX_BODY=16384
MAX_NAME=100
MAX_REQUEST=2000
nl='
'
del=$(printf '\177')

# ---- output ---------------------------------------------------------------

# HTML-escape $1 to stdout, as htmlspecialchars(ENT_QUOTES | ENT_HTML5) does.
esc() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g' -e "s/'/\\&apos;/g"
}

# head STATUS TITLE [EXTRA-HEADER]: the CGI header block and the page top.
head_html() {
	[ "$1" = 200 ] || printf 'Status: %s\r\n' "$1"
	[ -z "${3-}" ] || printf '%s\r\n' "$3"
	printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
	printf '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
	printf '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
	printf '<title>%s</title>\n' "$2"
	printf '<link rel="stylesheet" href="/style.css">\n</head>\n<body>\n'
	printf '<header>\n<h1>pfhttpd</h1>\n</header>\n<main>\n<section>\n'
}

foot_html() {
	printf '<p><a href="/">Back to the home page</a></p>\n</section>\n</main>\n'
	printf '<footer>\n<p>Served by pfhttpd.</p>\n</footer>\n</body>\n</html>\n'
}

# fail STATUS TITLE MESSAGE [EXTRA-HEADER]: a one-paragraph error page, exit.
fail() {
	head_html "$1" "$2" "${4-}"
	printf '<h2>%s</h2>\n<p>%s</p>\n' "$2" "$3"
	foot_html
	exit 0
}

# ---- decoding and checks ----------------------------------------------------

# urldecode RAW ALLOW_NL: sets dec to RAW decoded ('+' is a space, %XX a byte;
# WHATWG URL 5.1). A '%' not followed by two hex digits stays as it is (as in
# PHP's urldecode). Returns 1 (dec unset) if RAW encodes a control character:
# always for NUL (a shell variable cannot hold it), DEL and the C0 range, and
# for tab, LF and CR unless ALLOW_NL is 1.
#
# One pass, linear in the input: sed turns RAW into a format for coreutils
# printf (the sh builtin has no \xHH): every '\' doubled first, each valid
# %XX to \xXX, every other '%' to '%%'; nothing else in a printf format is
# special. The 'x' sentinels keep $(...) from eating trailing newlines and
# the format from starting with '-'.
urldecode() {
	dec=
	u=$1
	if [ "$2" = 1 ]; then
		u=$(printf '%s' "$u" | sed 's/%0[9AaDd]/_/g')
	fi
	case $u in
	*%[01][0-9A-Fa-f]* | *%7[Ff]*) return 1 ;;
	esac
	fmt=$(printf '%s' "$1" | tr '+' ' ' | sed -e 's/\\/\\\\/g' \
		-e 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' -e 's/%/%%/g')
	dec=$(env printf "x${fmt}x")
	dec=${dec#x}
	dec=${dec%x}
}

# trim VALUE: sets t to VALUE without leading and trailing white space.
trim() {
	t=$1
	lead=${t%%[![:space:]]*}
	t=${t#"$lead"}
	trail=${t##*[![:space:]]}
	t=${t%"$trail"}
}

problems=

# check LABEL VALUE MAX BADCTL: append the problems of one field to problems.
check() {
	if [ "$4" = 1 ]; then
		problems="$problems<li>The $1 contains control characters.</li>$nl"
	elif ! printf '%s' "$2" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
		problems="$problems<li>The $1 is not valid UTF-8 text.</li>$nl"
	elif [ -z "$2" ]; then
		problems="$problems<li>The $1 is required.</li>$nl"
	elif [ "$(printf '%s' "$2" | LC_ALL=C.UTF-8 wc -m)" -gt "$3" ]; then
		problems="$problems<li>The $1 must be at most $3 characters long.</li>$nl"
	fi
}

# ---- the request --------------------------------------------------------------

if [ "${REQUEST_METHOD-}" != POST ]; then
	fail '405 Method Not Allowed' 'Method not allowed' \
		'This address accepts the contact form (POST) only. Please use the form on the home page.' \
		'Allow: POST'
fi

len=${CONTENT_LENGTH:-0}
case $len in
*[!0-9]*) fail '400 Bad Request' 'Bad request' 'The request length is malformed.' ;;
esac
# Leading zeros would make the shell read the length as octal; strip them.
while :; do
	case $len in
	0?*) len=${len#0} ;;
	*) break ;;
	esac
done
if [ "${#len}" -gt 9 ] || [ "$len" -gt "$MAX_BODY" ]; then
	fail '413 Content Too Large' 'Request too large' \
		"The form data must not exceed $MAX_BODY bytes."
fi

ctype=$(printf '%s' "${CONTENT_TYPE-}" | tr '[:upper:]' '[:lower:]')
case $ctype in
application/x-www-form-urlencoded | "application/x-www-form-urlencoded;"* | \
	"application/x-www-form-urlencoded "*) ;;
'') [ "$len" -eq 0 ] || fail '415 Unsupported Media Type' 'Unsupported media type' \
	'The form data must be sent as application/x-www-form-urlencoded.' ;;
*) fail '415 Unsupported Media Type' 'Unsupported media type' \
	'The form data must be sent as application/x-www-form-urlencoded.' ;;
esac

raw=
[ "$len" -eq 0 ] || raw=$(head -c "$len" | tr -c '\040-\176' '\177')
case $raw in
*"$del"*) fail '400 Bad Request' 'Bad request' 'The form data is not properly encoded.' ;;
esac

name='' request='' name_ctl=0 request_ctl=0
IFS='&'
# shellcheck disable=SC2086 # splitting on '&' is the point; globbing is off (set -f)
set -- $raw
unset IFS
for pair do
	case $pair in
	*=*) val=${pair#*=} ;;
	*) val='' ;;
	esac
	urldecode "${pair%%=*}" 0 || continue
	case $dec in
	name)
		name_ctl=0
		urldecode "$val" 0 || name_ctl=1
		name=$dec
		;;
	request)
		request_ctl=0
		urldecode "$val" 1 || request_ctl=1
		request=$dec
		;;
	esac
done

trim "$name"
name=$t
trim "$request"
request=$t
check name "$name" "$MAX_NAME" "$name_ctl"
check request "$request" "$MAX_REQUEST" "$request_ctl"

if [ -n "$problems" ]; then
	head_html '400 Bad Request' 'Please check the form'
	printf '<h2>Please check the form</h2>\n<ul class="errors">\n%s</ul>\n' "$problems"
	printf '<p>Please go back and correct it.</p>\n'
	foot_html
	exit 0
fi

head_html 200 'Thank you'
printf '<h2>Thank you, %s</h2>\n' "$(esc "$name")"
printf '<p>We received your request:</p>\n'
printf '<blockquote class="request" style="white-space: pre-wrap">%s</blockquote>\n' \
	"$(esc "$request")"
printf '<p>We will answer it soon.</p>\n'
foot_html
