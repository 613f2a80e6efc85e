// Wiring only: see rules/.
export {};
