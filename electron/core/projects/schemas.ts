// The project DTOs are part of the contract (they cross to the UI); they live in electron/shared.
export * from '../../shared/projectSchemas';
