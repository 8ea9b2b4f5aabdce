/*
 * schema.c - schema/collector.sql (SQLite) and schema/collector.pg.sql
 * (PostgreSQL), embedded in the binary at build time (the assembler's
 * .incbin; the Makefile makes this object depend on the .sql files), so
 * the .sql files stay the one source of each schema.
 */
#include "collector/store/db.h"

__asm__(".section .rodata\n"
        ".global collector_schema_sql\n"
        ".type collector_schema_sql, @object\n"
        ".balign 16\n"
        "collector_schema_sql:\n"
        ".incbin \"schema/collector.sql\"\n"
        ".byte 0\n"
        ".size collector_schema_sql, . - collector_schema_sql\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global collector_schema_pg_sql\n"
        ".type collector_schema_pg_sql, @object\n"
        ".balign 16\n"
        "collector_schema_pg_sql:\n"
        ".incbin \"schema/collector.pg.sql\"\n"
        ".byte 0\n"
        ".size collector_schema_pg_sql, . - collector_schema_pg_sql\n"
        ".previous\n");
