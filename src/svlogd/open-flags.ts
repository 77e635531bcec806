/** How svlogd opens its files, shared by the directory, its rotation and the processor. */
import { constants } from 'node:fs';

const { O_RDONLY, O_WRONLY, O_NONBLOCK, O_APPEND, O_CREAT, O_TRUNC } = constants;

/** `lock` and `current`: runit's open_append. */
export const APPEND_FLAGS: number = O_WRONLY | O_NONBLOCK | O_APPEND | O_CREAT;
/** runit's open_read. */
export const READ_FLAGS: number = O_RDONLY | O_NONBLOCK;
/** The processor's output and `newstate`: runit's open_trunc. */
export const TRUNC_FLAGS: number = O_WRONLY | O_NONBLOCK | O_TRUNC | O_CREAT;
