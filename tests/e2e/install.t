# make install PREFIX=DIR gives a tree that pkg-config can use to build against <baton.h>,
# with the README's own commands.  BUILD and BATON_LDFLAGS come from `make check` (the
# sanitizer build needs its flags to link).

# The README's recipe: the program runs with no LD_LIBRARY_PATH (baton.pc's rpath), and it
# needs the library by its soname.
$ d=$(mktemp -d) && env -u MAKEFLAGS -u MAKELEVEL make -s install BUILD=$BUILD PREFIX=$d >/dev/null && ls $d/bin $d/lib $d/include $d/lib/pkgconfig && cc tests/data/hello_baton.c -o $d/hello $(PKG_CONFIG_PATH=$d/lib/pkgconfig pkg-config --cflags --libs baton) $BATON_LDFLAGS && env -u LD_LIBRARY_PATH $d/hello && readelf -d $d/hello | grep NEEDED; s=$?; rm -rf $d; exit $s
stdout baton
stdout libbaton.a
stdout libbaton.so
stdout libbaton.so.0
stdout libbaton.so.0.1.0
stdout baton.h
stdout baton.pc
stdout linked libbaton 0.1.0
stdout Shared library: [libbaton.so.0]

# --static links the archive: the program does not need libbaton.so at all.
$ d=$(mktemp -d) && env -u MAKEFLAGS -u MAKELEVEL make -s install BUILD=$BUILD PREFIX=$d >/dev/null && cc tests/data/hello_baton.c -o $d/hello $(PKG_CONFIG_PATH=$d/lib/pkgconfig pkg-config --static --cflags --libs baton) $BATON_LDFLAGS && rm $d/lib/libbaton.so* && $d/hello && readelf -d $d/hello | grep -c libbaton; s=$?; rm -rf $d; [ $s -le 1 ]
stdout linked libbaton 0.1.0
stdout 0

# A system prefix gets no rpath (the loader finds PREFIX/lib by itself or through ldconfig).
$ d=$(mktemp -d) && env -u MAKEFLAGS -u MAKELEVEL make -s install BUILD=$BUILD PREFIX=/usr DESTDIR=$d >/dev/null && grep '^Libs:' $d/usr/lib/pkgconfig/baton.pc; s=$?; rm -rf $d; exit $s
stdout Libs: -L${libdir} -lbaton
!stdout rpath
