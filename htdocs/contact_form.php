<?php
/*
 * contact_form.php — the handler of the contact form on the home page
 * (MDN, "An overview of HTTP": POST /contact_form.php with
 * "name=Joe%20User&request=Send%20me%20one%20of%20your%20catalogue").
 *
 * POST, application/x-www-form-urlencoded (or multipart/form-data), fields
 * "name" (1..100 characters) and "request" (1..2000 characters), both
 * trimmed and required: 200 with a "Thank you" page, or 400 with a page
 * listing every problem. cgi-bin/contact.sh does the same job in POSIX sh.
 *
 * Methods: GET and HEAD answer 200 with a short page pointing at the form,
 * because a person who opens this address in a browser (a bookmark, a
 * reload after the POST) deserves a way back rather than an error; every
 * other method answers 405 with "Allow: GET, HEAD, POST" (RFC 9110 15.5.6).
 *
 * Every value that reaches the page is escaped with htmlspecialchars
 * (ENT_QUOTES | ENT_HTML5, UTF-8; ENT_SUBSTITUTE as a second line of defence,
 * since invalid UTF-8 is rejected first and htmlspecialchars would otherwise
 * return ""). Only PHP core functions are used: no mbstring in Debian's
 * default php-cgi, so UTF-8 is validated and counted with PCRE's /u mode.
 */

const NAME_MAX = 100;
const REQUEST_MAX = 2000;

function h(string $s): string
{
    return htmlspecialchars($s, ENT_QUOTES | ENT_HTML5 | ENT_SUBSTITUTE, 'UTF-8');
}

/* The CGI header block and the top of the page; $status like "400 Bad Request". */
function page_start(string $status, string $title, array $headers = []): void
{
    header_remove('X-Powered-By');
    if ($status !== '200 OK') {
        header('Status: ' . $status);
    }
    foreach ($headers as $hdr) {
        header($hdr);
    }
    header('Content-Type: text/html; charset=utf-8');
    echo "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        '<title>', h($title), "</title>\n",
        "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n",
        "<header>\n<h1>pfhttpd</h1>\n</header>\n<main>\n<section>\n";
}

function page_end(): void
{
    echo "<p><a href=\"/\">Back to the home page</a></p>\n</section>\n</main>\n",
        "<footer>\n<p>Served by pfhttpd.</p>\n</footer>\n</body>\n</html>\n";
}

/*
 * One field: the trimmed value and the problems with it. A field sent twice
 * as name[]=... arrives as an array and counts as missing, never as text.
 */
function field(string $key, string $label, int $max, bool $multiline, array &$problems): string
{
    $v = $_POST[$key] ?? '';
    if (!is_string($v)) {
        $problems[] = "The $label is required.";
        return '';
    }
    if (preg_match('//u', $v) !== 1) {
        $problems[] = "The $label is not valid UTF-8 text.";
        return '';
    }
    /* Control characters: tab, LF and CR only where a line break belongs. */
    $ctl = $multiline ? '/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/' : '/[\x00-\x1F\x7F]/';
    if (preg_match($ctl, $v) === 1) {
        $problems[] = "The $label contains control characters.";
        return '';
    }
    $v = trim($v);
    if ($v === '') {
        $problems[] = "The $label is required.";
    } elseif (preg_match_all('/./su', $v) > $max) {
        $problems[] = "The $label must be at most $max characters long.";
    }
    return $v;
}

$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';

if ($method === 'GET' || $method === 'HEAD') {
    page_start('200 OK', 'Contact form');
    echo "<h2>Contact form</h2>\n",
        "<p>This address receives the contact form. Please fill in the form ",
        "on the <a href=\"/\">home page</a> and send it from there.</p>\n";
    page_end();
    exit;
}

if ($method !== 'POST') {
    page_start('405 Method Not Allowed', 'Method not allowed', ['Allow: GET, HEAD, POST']);
    echo "<h2>Method not allowed</h2>\n",
        '<p>', h($method), " is not supported here. Please use the form on the home page.</p>\n";
    page_end();
    exit;
}

/* PHP fills $_POST only for these two media types; anything else is not a form. */
$ctype = strtolower(trim(explode(';', $_SERVER['CONTENT_TYPE'] ?? '')[0]));
$length = (int)($_SERVER['CONTENT_LENGTH'] ?? 0);
if ($length > 0 && $ctype !== 'application/x-www-form-urlencoded'
    && $ctype !== 'multipart/form-data') {
    page_start('415 Unsupported Media Type', 'Unsupported media type');
    echo "<h2>Unsupported media type</h2>\n",
        "<p>The form data must be sent as application/x-www-form-urlencoded.</p>\n";
    page_end();
    exit;
}

$problems = [];
$name = field('name', 'name', NAME_MAX, false, $problems);
$request = field('request', 'request', REQUEST_MAX, true, $problems);

if ($problems !== []) {
    page_start('400 Bad Request', 'Please check the form');
    echo "<h2>Please check the form</h2>\n<ul class=\"errors\">\n";
    foreach ($problems as $p) {
        echo '<li>', h($p), "</li>\n";
    }
    echo "</ul>\n<p>Please go back and correct it.</p>\n";
    page_end();
    exit;
}

page_start('200 OK', 'Thank you');
echo '<h2>Thank you, ', h($name), "</h2>\n",
    "<p>We received your request:</p>\n",
    '<blockquote class="request" style="white-space: pre-wrap">', h($request), "</blockquote>\n",
    "<p>We will answer it soon.</p>\n";
page_end();
