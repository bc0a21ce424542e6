-- post.lua — wrk script for scenarios (e) and (f) of bench/bench.sh:
-- every request is a POST of the urlencoded form body in the file named by
-- the script's first argument (wrk ... -s post.lua URL -- BODYFILE).
-- wrk.format() adds the Content-Length.
function init(args)
   local f = assert(io.open(args[1], "rb"))
   wrk.body = f:read("*a")
   f:close()
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
