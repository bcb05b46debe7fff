pub mod decide;
pub mod explain;
pub mod run;
