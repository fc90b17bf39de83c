#  packaging/cpack.cmake - run by cpack before it packages
#  (CPACK_PROJECT_CONFIG_FILE): a .deb installs into /usr, so its build
#  must have been configured for /usr, or its man pages would point to the
#  docs in another folder.
if (CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_LCLOCK_PREFIX STREQUAL "/usr")
    message (FATAL_ERROR "lclock: a .deb needs a build configured with "
             "-DCMAKE_INSTALL_PREFIX=/usr, this one has ${CPACK_LCLOCK_PREFIX}; "
             "launch/deb.sh makes one")
endif ()
