import type { CommandSpec } from '../command.ts';
import { echo } from './echo.ts';
import { ping } from './ping.ts';

export const connectionCommands: CommandSpec[] = [ping, echo];
