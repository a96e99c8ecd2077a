// Placeholder entry: its owner replaces it in this session.
export {};
