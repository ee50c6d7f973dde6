/** Lua shared by the queue's scripts, put at the top of a script's source. */

/** `fields(flat)`: a flat name/value reply (XINFO GROUPS or CONSUMERS, one entry) as a table by name. */
export const LUA_FIELDS = `local function fields(flat)
  local m = {}
  for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end
  return m
end
`;
