/*
 * migrate_steps.c - the SQL files of schema/migrations/, embedded in the
 * binary at build time like the schema (the assembler's .incbin; the
 * Makefile makes this object depend on them).
 */
#include "collector/store/migrate.h"

__asm__(".section .rodata\n"
        ".global migrate_sqlite_0002\n"
        ".type migrate_sqlite_0002, @object\n"
        ".balign 16\n"
        "migrate_sqlite_0002:\n"
        ".incbin \"schema/migrations/sqlite-0002.sql\"\n"
        ".byte 0\n"
        ".size migrate_sqlite_0002, . - migrate_sqlite_0002\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_sqlite_0003\n"
        ".type migrate_sqlite_0003, @object\n"
        ".balign 16\n"
        "migrate_sqlite_0003:\n"
        ".incbin \"schema/migrations/sqlite-0003.sql\"\n"
        ".byte 0\n"
        ".size migrate_sqlite_0003, . - migrate_sqlite_0003\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_pg_0003\n"
        ".type migrate_pg_0003, @object\n"
        ".balign 16\n"
        "migrate_pg_0003:\n"
        ".incbin \"schema/migrations/pg-0003.sql\"\n"
        ".byte 0\n"
        ".size migrate_pg_0003, . - migrate_pg_0003\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_sqlite_0004\n"
        ".type migrate_sqlite_0004, @object\n"
        ".balign 16\n"
        "migrate_sqlite_0004:\n"
        ".incbin \"schema/migrations/sqlite-0004.sql\"\n"
        ".byte 0\n"
        ".size migrate_sqlite_0004, . - migrate_sqlite_0004\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_pg_0004\n"
        ".type migrate_pg_0004, @object\n"
        ".balign 16\n"
        "migrate_pg_0004:\n"
        ".incbin \"schema/migrations/pg-0004.sql\"\n"
        ".byte 0\n"
        ".size migrate_pg_0004, . - migrate_pg_0004\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_sqlite_0005\n"
        ".type migrate_sqlite_0005, @object\n"
        ".balign 16\n"
        "migrate_sqlite_0005:\n"
        ".incbin \"schema/migrations/sqlite-0005.sql\"\n"
        ".byte 0\n"
        ".size migrate_sqlite_0005, . - migrate_sqlite_0005\n"
        ".previous\n");

__asm__(".section .rodata\n"
        ".global migrate_pg_0005\n"
        ".type migrate_pg_0005, @object\n"
        ".balign 16\n"
        "migrate_pg_0005:\n"
        ".incbin \"schema/migrations/pg-0005.sql\"\n"
        ".byte 0\n"
        ".size migrate_pg_0005, . - migrate_pg_0005\n"
        ".previous\n");
