# Turns the catalog CSV into a C++ source file holding it as one string.
# Raw string literals have a length limit on some compilers, so the text is split into chunks.
file(READ ${INPUT} content)
string(LENGTH "${content}" n)
set(out "// Generated from scenarios/catalog/ec2-instances.csv; do not edit.\n#include <string_view>\nnamespace ecsim::scenarios {\nextern const std::string_view kEmbeddedCatalogCsv;\nstatic const char kCatalogText[] = \n")
set(pos 0)
while(pos LESS n)
  string(SUBSTRING "${content}" ${pos} 2000 chunk)
  string(APPEND out "R\"ecsimcsv(${chunk})ecsimcsv\"\n")
  math(EXPR pos "${pos} + 2000")
endwhile()
string(APPEND out ";\nconst std::string_view kEmbeddedCatalogCsv{kCatalogText, sizeof(kCatalogText) - 1};\n}  // namespace ecsim::scenarios\n")
file(WRITE ${OUTPUT} "${out}")
