pub mod explain;
pub mod run;
