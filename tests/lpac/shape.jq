# SPDX-License-Identifier: MIT
# Checks a JSON line against a shape fixture: in the fixture an object lists
# exactly the keys the line must have, an array holds the shape of every
# element, and a string leaf names the allowed JSON types ("string|null").
# Prints one line per mismatch (path: what is wrong); nothing when it fits.
def check($s; $p):
  if ($s | type) == "string" then
    (type) as $t
    | if ($s | split("|") | index($t)) == null
      then "\($p): is \($t), fixture says \($s)" else empty end
  elif ($s | type) == "object" then
    if type != "object" then "\($p): is \(type), fixture says object"
    else
      ((keys - ($s | keys))[] | "\($p).\(.): not in the fixture"),
      ((($s | keys) - keys)[] | "\($p).\(.): missing"),
      (to_entries[] | .key as $k | select($s | has($k)) | .value | check($s[$k]; "\($p).\($k)"))
    end
  elif ($s | type) == "array" then
    if type != "array" then "\($p): is \(type), fixture says array"
    else to_entries[] as $e | $e.value | check($s[0]; "\($p)[\($e.key)]")
    end
  else "\($p): bad fixture" end;
check($fixture; "")
