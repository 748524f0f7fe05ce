-- luarocks make: builds vista.so, the Lua module, from this checkout with
-- CMake (the same core as the vista binary) and installs it as "vista".
-- Debian 12 needs: cmake pkg-config liblua5.4-dev libsqlite3-dev libcsv-dev
-- (sh tools/deps.sh installs them).
rockspec_format = "3.0"
package = "vista"
version = "scm-1"
source = {
  url = "git+file://.",
}
description = {
  summary = "Erasmus+ VET mobility data: the vista engine's models from Lua",
  detailed = [[
    require "vista" opens a vista database and gives the models the vista
    binary's scripts get (sql, mobility, strategy, indicator, benchmark,
    consortium, and the stdlib such as report), with the same scope and
    read-only rules as vista --scope.
  ]],
  license = "see the repository",
  labels = { "sqlite", "statistics", "erasmus" },
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
build = {
  type = "command",
  build_command = [[
    cmake -S . -B build.luarocks -DCMAKE_BUILD_TYPE=Release -DVISTA_TESTS=OFF &&
    cmake --build build.luarocks --target vista_lua
  ]],
  install = {
    lib = { vista = "build.luarocks/vista.so" },
  },
}
