#!/bin/sh
# Removes what `make install` wrote: the files listed in LIST (CMake's
# install_manifest.txt with DESTDIR already in front, written by make
# install), then the directories of vista's own that they leave empty
# (share/doc/vista/examples/...), never a shared one such as bin or man1.
# usage: tools/uninstall.sh LIST
set -eu
list=$1
if [ ! -f "$list" ]; then
  echo "vista: nothing to uninstall: $list is missing (make install writes it)" >&2
  exit 1
fi
# CMake ends its manifest without a newline: the last line counts too.
while IFS= read -r f || [ -n "$f" ]; do
  [ -n "$f" ] || continue
  if [ -e "$f" ] || [ -L "$f" ]; then
    echo "-- Removing: $f"
    rm -f "$f"
  fi
  d=$(dirname "$f")
  while case $d in */vista | */vista/*) true ;; *) false ;; esac &&
    rmdir "$d" 2>/dev/null; do
    d=$(dirname "$d")
  done
done < "$list"
rm -f "$list"
