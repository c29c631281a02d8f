# Turns a bundled CSV into a C++ source file holding it as one string_view named VARIABLE
# (default kEmbeddedCatalogCsv, for ec2-instances.csv).
# Raw string literals have a length limit on some compilers, so the text is split into chunks.
if(NOT VARIABLE)
  set(VARIABLE kEmbeddedCatalogCsv)
endif()
get_filename_component(source_name ${INPUT} NAME)
file(READ ${INPUT} content)
string(LENGTH "${content}" n)
set(out "// Generated from scenarios/catalog/${source_name}; do not edit.\n#include <string_view>\nnamespace ecsim::scenarios {\nextern const std::string_view ${VARIABLE};\nstatic const char kText[] = \n")
set(pos 0)
while(pos LESS n)
  string(SUBSTRING "${content}" ${pos} 2000 chunk)
  string(APPEND out "R\"ecsimcsv(${chunk})ecsimcsv\"\n")
  math(EXPR pos "${pos} + 2000")
endwhile()
string(APPEND out ";\nconst std::string_view ${VARIABLE}{kText, sizeof(kText) - 1};\n}  // namespace ecsim::scenarios\n")
file(WRITE ${OUTPUT} "${out}")
