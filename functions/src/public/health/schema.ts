import { Health } from '../../views';

export const request = {};
export const response = Health;
