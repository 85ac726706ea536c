// C shim: libxlsxwriter (Debian: libxlsxwriter-dev), the writer of Excel 2007+ workbooks that
// `XLSXWriter` (MigrationData) calls for `--format xlsx`.
#include <xlsxwriter.h>
