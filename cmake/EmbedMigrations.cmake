# ca_embed_migrations(TARGET target SERVICE name DIR folder)
#
# Compiles the NNNN_name.sql files of DIR into the binary, as
#   #include "<service>/embedded_migrations.h"
#   codingahead::<service>::EmbeddedMigrations()
# so an image needs no migration files beside it. A .sql file not named
# NNNN_name.sql fails the configure step.
function(ca_embed_migrations)
  cmake_parse_arguments(ARG "" "TARGET;SERVICE;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS "${ARG_DIR}/*.sql")
  list(SORT sql_files)
  set(entries "")
  foreach(path ${sql_files})
    get_filename_component(file_name ${path} NAME)
    if(NOT file_name MATCHES "^([0-9][0-9][0-9][0-9])_([A-Za-z0-9_-]+)\\.sql$")
      message(FATAL_ERROR "migration ${path} is not named NNNN_name.sql")
    endif()
    math(EXPR version "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    file(READ ${path} sql)
    string(APPEND entries "      {${version}, \"${name}\", R\"ca_sql(${sql})ca_sql\"},\n")
  endforeach()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/embedded/${ARG_SERVICE})
  file(MAKE_DIRECTORY ${out_dir})
  set(content "// Generated from ${ARG_DIR} by cmake/EmbedMigrations.cmake. Do not edit.
#pragma once
#include <vector>
#include \"common/postgres/migrations.h\"
namespace codingahead::${ARG_SERVICE} {
inline std::vector<common::Migration> EmbeddedMigrations() {
  return {
${entries}  };
}
}  // namespace codingahead::${ARG_SERVICE}
")
  file(CONFIGURE OUTPUT ${out_dir}/embedded_migrations.h CONTENT "${content}" @ONLY)
  target_include_directories(${ARG_TARGET} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/embedded)
endfunction()
