#  packaging/install.cmake - what `cmake --install` puts where, and the .deb.
#  Included from CMakeLists.txt, which names the launchers (LC_LAUNCHERS).
#
#  PREFIX/bin/lclock                        the program
#  PREFIX/bin/lclock-NAME                   symlink to launch/NAME.sh below
#  PREFIX/libexec/lclock/launch/            NAME.sh, common.sh, installed.sh
#  PREFIX/share/man/man1/                   lclock.1 and lclock-*.1 (gzip)
#  PREFIX/share/bash-completion/completions lclock, and lclock-NAME links
#  PREFIX/share/doc/lclock/                 README.md, docs/*.md, examples/
include (GNUInstallDirs)

install (TARGETS lclock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

#  The launchers run from their own copy of launch/, where installed.sh
#  tells launch/common.sh that it is an installation; the commands on PATH
#  are relative symlinks to them, so the whole prefix can move.
set (LC_LAUNCH_DIR ${CMAKE_INSTALL_LIBEXECDIR}/lclock/launch)
file (RELATIVE_PATH LC_LIBEXEC_TO_BIN
    ${CMAKE_INSTALL_FULL_LIBEXECDIR}/lclock ${CMAKE_INSTALL_FULL_BINDIR})
file (RELATIVE_PATH LC_BIN_TO_LAUNCH
    ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBEXECDIR}/lclock/launch)
configure_file (${PROJECT_SOURCE_DIR}/packaging/installed.sh.in
    ${PROJECT_BINARY_DIR}/packaging/installed.sh @ONLY)
install (FILES ${PROJECT_BINARY_DIR}/packaging/installed.sh
               ${PROJECT_SOURCE_DIR}/launch/common.sh
         DESTINATION ${LC_LAUNCH_DIR})
foreach (launcher ${LC_LAUNCHERS})
    install (PROGRAMS ${PROJECT_SOURCE_DIR}/launch/${launcher}.sh DESTINATION ${LC_LAUNCH_DIR})
    file (CREATE_LINK ${LC_BIN_TO_LAUNCH}/${launcher}.sh
        ${PROJECT_BINARY_DIR}/packaging/lclock-${launcher} SYMBOLIC)
    install (FILES ${PROJECT_BINARY_DIR}/packaging/lclock-${launcher}
             DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach ()

#  Bash completion: one script, and a link per launcher command, the name
#  under which bash-completion looks for it on the first Tab
set (LC_COMPLETIONS_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
list (TRANSFORM LC_LAUNCHERS PREPEND lclock- OUTPUT_VARIABLE LC_LAUNCHER_COMMANDS)
string (REPLACE ";" " " LC_LAUNCHER_COMMANDS "${LC_LAUNCHER_COMMANDS}")
configure_file (${PROJECT_SOURCE_DIR}/packaging/lclock.bash-completion.in
    ${PROJECT_BINARY_DIR}/packaging/completions/lclock @ONLY)
install (FILES ${PROJECT_BINARY_DIR}/packaging/completions/lclock DESTINATION ${LC_COMPLETIONS_DIR})
foreach (launcher ${LC_LAUNCHERS})
    file (CREATE_LINK lclock ${PROJECT_BINARY_DIR}/packaging/completions/lclock-${launcher} SYMBOLIC)
    install (FILES ${PROJECT_BINARY_DIR}/packaging/completions/lclock-${launcher}
             DESTINATION ${LC_COMPLETIONS_DIR})
endforeach ()

#  The docs as a user reads them, with the example cluster and study files
install (FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install (DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
         PATTERN man EXCLUDE)

#  Man pages: docs/man/NAME.1.scd (scdoc(5)) -> man/NAME.1.gz, with
#  @VERSION@ and @DOCDIR@ filled in. tests/run/man_pages.sh keeps them in
#  step with --help.
option (LCLOCK_MAN "Build and install the man pages (needs scdoc)" ON)
if (LCLOCK_MAN)
    find_program (SCDOC scdoc)
    if (NOT SCDOC)
        message (FATAL_ERROR "scdoc not found (it builds the man pages): "
                 "apt-get install scdoc, or configure with -DLCLOCK_MAN=OFF")
    endif ()
    file (GLOB LC_MAN_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.1.scd)
    set (LC_MAN_PAGES "")
    foreach (man_src ${LC_MAN_SOURCES})
        get_filename_component (man_page ${man_src} NAME)
        string (REGEX REPLACE "\\.scd$" "" man_page ${man_page})
        set (man_out ${PROJECT_BINARY_DIR}/man/${man_page})
        add_custom_command (OUTPUT ${man_out}.gz
            COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
            COMMAND sh -c "sed -e \"s|@VERSION@|$1|g\" -e \"s|@DOCDIR@|$2|g\" \"$3\" | \"$4\" >\"$5\" && gzip -9nf \"$5\""
                    sh ${PROJECT_VERSION} ${CMAKE_INSTALL_FULL_DOCDIR} ${man_src} ${SCDOC} ${man_out}
            DEPENDS ${man_src}
            COMMENT "man page ${man_page}"
            VERBATIM)
        list (APPEND LC_MAN_PAGES ${man_out}.gz)
    endforeach ()
    add_custom_target (man ALL DEPENDS ${LC_MAN_PAGES})
    install (FILES ${LC_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif ()

#  The .deb: `cpack -G DEB` in a build configured with
#  -DCMAKE_INSTALL_PREFIX=/usr (launch/deb.sh does both). Depends: the
#  run-time libraries, from dpkg-shlibdeps on the binary, and iproute2,
#  whose ss(8) lclock-run3 picks free ports with (not in a minimal Debian).
set (LCLOCK_MAINTAINER "lclock maintainers <lclock@localhost>" CACHE STRING
     "Maintainer field of the .deb")
set (CPACK_GENERATOR DEB)
set (CPACK_PACKAGE_NAME lclock)
set (CPACK_PACKAGE_CONTACT "${LCLOCK_MAINTAINER}")
set (CPACK_PACKAGE_DESCRIPTION_SUMMARY
     "scale model of a distributed system with Lamport clocks")
set (CPACK_PACKAGE_DESCRIPTION
"lclock runs a small asynchronous distributed system as real processes,
on one computer or across a LAN: each model machine has its own tick
rate, a Lamport logical clock and a receive buffer, and the machines talk
over ZeroMQ. Every event is logged; 'lclock analyze' checks that a run
obeyed Lamport's rules with every message accounted for, then reports
clock jumps, drift between machines and queue build-up in tables and
plots.
.
This package has the lclock program, the launchers lclock-run3 (the
classic three-machine experiment on one host) and lclock-runlan (a run
across hosts over ssh), man pages, bash completion and the documentation.")
set (CPACK_DEBIAN_PACKAGE_SECTION science)
set (CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set (CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set (CPACK_DEBIAN_PACKAGE_DEPENDS iproute2)
set (CPACK_DEBIAN_PACKAGE_RECOMMENDS gnuplot-nox)
set (CPACK_DEBIAN_PACKAGE_SUGGESTS openssh-client)     #  lclock-runlan's default
set (CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set (CPACK_STRIP_FILES ON)
#  cpack installs into /usr whatever the prefix, but the man pages name the
#  docs' folder of the configured one: packaging/cpack.cmake checks it
set (CPACK_LCLOCK_PREFIX "${CMAKE_INSTALL_PREFIX}")
set (CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/packaging/cpack.cmake)
include (CPack)
