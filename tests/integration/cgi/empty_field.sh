#!/bin/sh
# A header field with an empty value ("X-Empty:", which RFC 9110 5.5 allows), then "ok\n".
printf 'Content-Type: text/plain\r\nX-Empty:\r\n\r\nok\n'
