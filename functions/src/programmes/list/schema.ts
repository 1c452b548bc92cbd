import { ProgrammeList } from '../../views';

export const request = {};
export const response = ProgrammeList;
