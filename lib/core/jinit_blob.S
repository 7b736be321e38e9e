/* jinit's bytes (built by the Makefile as $(BUILD)/jinit), for lib/core/jinit.c. */
	.section .rodata
	.balign 16
	.globl jail_jinit_blob
	.globl jail_jinit_blob_end
jail_jinit_blob:
	.incbin JINIT_PATH
jail_jinit_blob_end:
	.section .note.GNU-stack,"",%progbits
