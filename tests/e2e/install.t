# make install PREFIX=DIR gives a tree that pkg-config can use to build against <baton.h>.
# BUILD and BATON_LDFLAGS come from `make check` (the sanitizer build needs its flags to link).

$ d=$(mktemp -d) && env -u MAKEFLAGS -u MAKELEVEL make -s install BUILD=$BUILD PREFIX=$d >/dev/null && ls $d/bin $d/lib $d/include $d/lib/pkgconfig && cc tests/data/hello_baton.c -o $d/hello $(PKG_CONFIG_PATH=$d/lib/pkgconfig pkg-config --cflags --libs baton) $BATON_LDFLAGS && LD_LIBRARY_PATH=$d/lib $d/hello; s=$?; rm -rf $d; exit $s
stdout baton
stdout libbaton.a
stdout libbaton.so
stdout baton.h
stdout baton.pc
stdout linked libbaton 0.1.0
